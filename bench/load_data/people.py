"""Twelve bureaus in each synthetic city, and two officials in each bureau, all of the
city's tenant."""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from tracker import roles
from tracker.models import Department, Official

from .markers import EMAIL_DOMAIN, NAME_PREFIX, USERNAME_PREFIX
from .rows import BATCH_SIZE
from .shapes import BUREAUS, GIVEN_CHARS, OFFICIALS_PER_DEPARTMENT, SURNAMES


def create_departments(world):
    rng = world.rng("departments")
    rows = []
    index = 0
    for city in world.cities:
        label = city.name.removeprefix("合成市")
        for full_name, short_name in BUREAUS:
            index += 1
            rows.append(
                Department(
                    name=f"{city.name}{full_name}",
                    short_name=f"合成{label}{short_name}",
                    division=city,
                    has_liaison_section=rng.random() < 0.4,
                    email=f"{USERNAME_PREFIX}d{index:03d}@{EMAIL_DOMAIN}",
                    tenant_id=world.tenant_of_city[city.pk],
                )
            )
    Department.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    by_name = dict(
        Department.objects.filter(name__startswith=NAME_PREFIX).values_list("name", "id")
    )
    world.department_ids = [by_name[row.name] for row in rows]
    world.departments_by_city = {
        city.pk: world.department_ids[i * len(BUREAUS) : (i + 1) * len(BUREAUS)]
        for i, city in enumerate(world.cities)
    }
    world.city_of_department = {
        department_id: city_id
        for city_id, ids in world.departments_by_city.items()
        for department_id in ids
    }
    world.counts["departments"] = len(rows)


def username(index, n):
    return f"{USERNAME_PREFIX}{index:03d}-{n}"


def create_officials(world):
    """Staff accounts in the officials' group, each an Official of one bureau."""
    rng = world.rng("officials")
    User = get_user_model()
    users = []
    for index, _department_id in enumerate(world.department_ids, start=1):
        for n in range(1, OFFICIALS_PER_DEPARTMENT + 1):
            full_name = rng.choice(SURNAMES) + "".join(
                rng.choice(GIVEN_CHARS) for _ in range(rng.choice((1, 2)))
            )
            users.append(
                User(
                    username=username(index, n),
                    first_name=full_name,
                    email=f"{username(index, n)}@{EMAIL_DOMAIN}",
                    is_staff=True,
                    # Unusable: load accounts are for data, not for logging in.
                    password=make_password(None),
                )
            )
    User.objects.bulk_create(users, batch_size=BATCH_SIZE)
    user_ids = dict(
        User.objects.filter(username__startswith=USERNAME_PREFIX).values_list("username", "id")
    )
    officials = [
        Official(
            user_id=user_ids[username(index, n)],
            department_id=department_id,
            tenant_id=world.tenant_of_city[world.city_of_department[department_id]],
            phone=f"13{rng.randint(0, 999_999_999):09d}",
        )
        for index, department_id in enumerate(world.department_ids, start=1)
        for n in range(1, OFFICIALS_PER_DEPARTMENT + 1)
    ]
    Official.objects.bulk_create(officials, batch_size=BATCH_SIZE)
    group, _ = Group.objects.get_or_create(name=roles.OFFICIALS)
    Membership = User.groups.through
    Membership.objects.bulk_create(
        [Membership(user_id=user_id, group_id=group.pk) for user_id in user_ids.values()],
        batch_size=BATCH_SIZE,
    )
    world.counts["users"] = len(users)
    world.counts["officials"] = len(officials)
