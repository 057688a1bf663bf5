"""The shared-photo route's decision on both databases: only an active link that
includes photos, with this address's signature, for its owner's photo."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine

from dermadash import photo_compare, photos
from dermadash.server import shared_photos
from dermadash.sharing import share_links
from dermadash.storage.profiles import ProfileSettings, create_profile
from tests.photo_helpers import add_rated_photo


def _mark(path: str) -> tuple[int, int, str]:
    _, _, link_id, photo_id, name = path.split("/")
    return int(link_id), int(photo_id), name.removesuffix(".jpg")


def test_an_active_link_gets_its_photo_until_revoked(engine: Engine, profile_id: int) -> None:
    photo_id = add_rated_photo(engine, profile_id, "Left cheek", date(2026, 3, 1), 6)
    new = share_links.create_link(engine, profile_id, "Dr Rivera", include_photos=True)
    link_id, photo, mark = _mark(shared_photos.photo_path(new.link_id, photo_id, new.token))
    served = shared_photos.shared_photo(engine, link_id, photo, mark)
    assert served == photos.photo_jpeg(engine, profile_id, photo_id)

    share_links.revoke_link(engine, profile_id, new.link_id)
    assert shared_photos.shared_photo(engine, link_id, photo, mark) is None


def test_an_expired_link_gets_nothing(engine: Engine, profile_id: int) -> None:
    photo_id = add_rated_photo(engine, profile_id, "Chin", date(2026, 3, 1), 4)
    new = share_links.create_link(engine, profile_id, "Dr Rivera", days=1, include_photos=True)
    link_id, photo, mark = _mark(shared_photos.photo_path(new.link_id, photo_id, new.token))
    later = datetime.now(UTC) + timedelta(days=2)
    assert shared_photos.shared_photo(engine, link_id, photo, mark, now=later) is None


def test_no_photo_without_the_right_signature_link_or_owner(
    engine: Engine, profile_id: int
) -> None:
    photo_id = add_rated_photo(engine, profile_id, "Chin", date(2026, 3, 1), 4)
    with_photos = share_links.create_link(engine, profile_id, "Dr A", include_photos=True)
    without = share_links.create_link(engine, profile_id, "Dr B", include_photos=False)
    other = create_profile(engine, ProfileSettings(display_name="Alex", timezone="UTC"))
    their_photo = add_rated_photo(engine, other, "Chin", date(2026, 3, 1), 2)

    _, _, mark = _mark(shared_photos.photo_path(with_photos.link_id, photo_id, with_photos.token))
    assert shared_photos.shared_photo(engine, with_photos.link_id, photo_id, "0" * 32) is None
    assert shared_photos.shared_photo(engine, with_photos.link_id + 99, photo_id, mark) is None
    # The address of one photo does not open another, nor another link's.
    assert shared_photos.shared_photo(engine, with_photos.link_id, photo_id + 1, mark) is None
    _, _, theirs = _mark(
        shared_photos.photo_path(with_photos.link_id, their_photo, with_photos.token)
    )
    assert shared_photos.shared_photo(engine, with_photos.link_id, their_photo, theirs) is None
    _, _, no_photos = _mark(shared_photos.photo_path(without.link_id, photo_id, without.token))
    assert shared_photos.shared_photo(engine, without.link_id, photo_id, no_photos) is None


def test_the_address_never_holds_the_token(engine: Engine, profile_id: int) -> None:
    new = share_links.create_link(engine, profile_id, "Dr Rivera", include_photos=True)
    path = shared_photos.photo_path(new.link_id, 7, new.token)
    assert new.token not in path
    assert share_links.hash_token(new.token) not in path


def _comparison(path: str) -> tuple[int, int, int, str, str]:
    _, _, link_id, before, after, view, name = path.split("/")
    return int(link_id), int(before), int(after), view, name.removesuffix(".jpg")


def test_a_comparison_is_served_at_one_size_and_blended_until_revoked(
    engine: Engine, profile_id: int
) -> None:
    before = add_rated_photo(engine, profile_id, "Chin", date(2026, 1, 5), 7)
    after = add_rated_photo(engine, profile_id, "Chin", date(2026, 3, 2), 5)
    new = share_links.create_link(engine, profile_id, "Dr Rivera", include_photos=True)
    jpegs = (
        photos.photo_jpeg(engine, profile_id, before),
        photos.photo_jpeg(engine, profile_id, after),
    )
    for view, expected in (
        ("before", photo_compare.same_size(*jpegs)[0]),
        ("after", photo_compare.same_size(*jpegs)[1]),
        ("mix30", photo_compare.blend(*jpegs, 0.3)),
    ):
        path = shared_photos.comparison_path(new.link_id, before, after, view, new.token)
        assert shared_photos.shared_comparison(engine, *_comparison(path)) == expected
    path = shared_photos.comparison_path(new.link_id, before, after, "mix30", new.token)
    share_links.revoke_link(engine, profile_id, new.link_id)
    assert shared_photos.shared_comparison(engine, *_comparison(path)) is None


def test_a_comparison_needs_its_own_signature_and_a_known_view(
    engine: Engine, profile_id: int
) -> None:
    before = add_rated_photo(engine, profile_id, "Chin", date(2026, 1, 5), 7)
    after = add_rated_photo(engine, profile_id, "Chin", date(2026, 3, 2), 5)
    new = share_links.create_link(engine, profile_id, "Dr Rivera", include_photos=True)
    link_id, first, second, view, mark = _comparison(
        shared_photos.comparison_path(new.link_id, before, after, "mix30", new.token)
    )
    # Another mix, the photos swapped, or a single photo's signature: nothing.
    assert shared_photos.shared_comparison(engine, link_id, first, second, "mix60", mark) is None
    assert shared_photos.shared_comparison(engine, link_id, second, first, view, mark) is None
    _, _, single = _mark(shared_photos.photo_path(new.link_id, before, new.token))
    assert shared_photos.shared_comparison(engine, link_id, first, second, view, single) is None
    for odd in ("mix101", "mix-1", "mix", "both"):
        signed = shared_photos.comparison_path(new.link_id, before, after, odd, new.token)
        assert shared_photos.shared_comparison(engine, *_comparison(signed)) is None
