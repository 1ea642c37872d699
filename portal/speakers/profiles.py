"""Speaker profiles: what the programme may show about a person, and their photo."""

from peewee import JOIN, IntegrityError

from portal import audit
from portal.accounts.models import User
from portal.extensions import db
from portal.speakers.models import SpeakerProfile
from portal.speakers.names import split_name
from portal.storage import IMAGES, MB, StoredFile, file_path, save_upload
from portal.timeutil import now

PHOTO_MAX_BYTES = 8 * MB
PHOTO_MAX_PX = 600


def ensure_profile(user: User) -> SpeakerProfile:
    """The user's profile, created from the account name the first time."""
    profile = SpeakerProfile.get_or_none(SpeakerProfile.user == user)
    if profile is not None:
        return profile
    title, given, family = split_name(user.name)
    try:
        with db.atomic():
            return SpeakerProfile.create(
                user=user, academic_title=title, given_name=given, family_name=family
            )
    except IntegrityError:
        return SpeakerProfile.get(SpeakerProfile.user == user)


def profile_of(user: User) -> SpeakerProfile:
    """The saved profile, or an unsaved one prefilled from the account name."""
    profile = (
        SpeakerProfile.select(SpeakerProfile, StoredFile)
        .join(StoredFile, JOIN.LEFT_OUTER, on=(SpeakerProfile.photo == StoredFile.id), attr="photo")
        .where(SpeakerProfile.user == user)
        .first()
    )
    if profile is not None:
        return profile
    title, given, family = split_name(user.name)
    return SpeakerProfile(user=user, academic_title=title, given_name=given, family_name=family)


PROFILE_FIELDS = (
    "academic_title",
    "given_name",
    "family_name",
    "position",
    "organisation",
    "bio",
    "show_public",
)


def save_profile(user: User, *, photo=None, remove_photo: bool = False, **values) -> SpeakerProfile:
    """Save the profile; a new photo is re-encoded and resized, the old one deleted."""
    values = {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}
    values = {k: v for k, v in values.items() if k in PROFILE_FIELDS}
    stored = None
    if photo is not None and getattr(photo, "filename", ""):
        stored = save_upload(
            photo,
            area="speakers",
            owner=user,
            allowed=IMAGES,
            max_bytes=PHOTO_MAX_BYTES,
            image_max_px=PHOTO_MAX_PX,
        )
    old = None
    try:
        with db.atomic():
            profile = ensure_profile(user)
            old_id = profile.photo_id
            for key, value in values.items():
                setattr(profile, key, value)
            if stored is not None:
                profile.photo = stored
            elif remove_photo:
                profile.photo = None
            profile.updated_at = now()
            profile.save()
            if old_id and old_id != profile.photo_id:
                old = StoredFile.get_by_id(old_id)
                old.delete_instance()
            audit.record(
                "speaker.profile_saved",
                profile,
                actor=user,
                show_public=profile.show_public,
                photo="new" if stored else ("removed" if old else "kept"),
            )
    except BaseException:
        if stored is not None:
            file_path(stored).unlink(missing_ok=True)
            StoredFile.delete().where(StoredFile.id == stored.id).execute()
        raise
    if old is not None:
        file_path(old).unlink(missing_ok=True)
    return profile_of(user)


def photo_file(profile_id: int, file_id: int, *, viewer=None, privileged=False):
    """The photo of a profile for who may see it: everyone once public, else owner/organiser."""
    profile = (
        SpeakerProfile.select(SpeakerProfile, StoredFile)
        .join(StoredFile, on=(SpeakerProfile.photo == StoredFile.id), attr="photo")
        .where((SpeakerProfile.id == profile_id) & (StoredFile.id == file_id))
        .first()
    )
    if profile is None:
        return None
    is_owner = viewer is not None and getattr(viewer, "id", None) == profile.user_id
    if profile.show_public or is_owner or privileged:
        return profile.photo
    return None
