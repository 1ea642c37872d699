"""Names of speakers: split from one line, shown from the profile or the invitation."""

from portal.speakers.models import SpeakerProfile

ACADEMIC_TITLES = ("Prof.", "Dr.", "Dipl.", "Mag.", "Ing.", "h.c.", "habil.", "med.", "phil.")


def split_name(name: str) -> tuple[str, str, str]:
    """'Prof. Dr. Erika Mustermann' -> ('Prof. Dr.', 'Erika', 'Mustermann')."""
    parts = (name or "").split()
    titles = []
    while len(parts) > 1 and parts[0] in ACADEMIC_TITLES:
        titles.append(parts.pop(0))
    family = parts.pop() if parts else ""
    return " ".join(titles), " ".join(parts), family


def speaker_name(profile: SpeakerProfile | None, fallback: str) -> str:
    """The profile's display name, or `fallback` (the invitation's name) without a profile."""
    name = profile.display_name if profile is not None else ""
    return name or fallback


def family_name(profile: SpeakerProfile | None, fallback: str) -> str:
    if profile is not None and profile.family_name:
        return profile.family_name
    return split_name(fallback)[2]
