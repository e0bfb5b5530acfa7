"""The bench's users, one per kind of reader, each with a new API token.

- the superuser (the deployment's operator): reads everything, no tenant rule;
- a city's supervisor (the leading group office of the first synthetic city): reads its
  city whole, and posts the write bench's reports;
- the province office of Hebei (130000), a province user: its own records and what its
  cities share upward (signed and later projects), its statistics over all of its cities.

Run inside Django (bench/run.py calls it through ``manage.py shell``); prints one JSON
object: the tokens by kind, the city's tenant and the province's. Names start with ``load-`` so that
``--replace`` removes the city and province users with the load data they belong to.
"""

import json

from django.contrib.auth import get_user_model
from django.db import transaction

from regions.models import Tenant
from tracker.choices import OfficialReach
from tracker.models import Official
from tracker.services import add_official, create_api_token

SUPERUSER = "bench-supervisor"
CITY_USER = "load-bench-city"
PROVINCE_USER = "load-bench-province"
PROVINCE = "130000"


def official(username, password, **profile):
    User = get_user_model()
    existing = Official.objects.filter(user__username=username).select_related("user").first()
    if existing is not None:
        return existing.user
    User.objects.filter(username=username).delete()  # a user left without a profile
    return add_official(Official(**profile), username=username, password=password).user


@transaction.atomic
def prepare(password):
    User = get_user_model()
    superuser, _ = User.objects.get_or_create(username=SUPERUSER)
    superuser.is_staff = superuser.is_superuser = True
    superuser.set_password(password)
    superuser.save()
    city = Tenant.objects.filter(name__startswith="合成", kind="city").order_by("code").first()
    if city is None:
        raise SystemExit("No synthetic city: fill the database first (make bench-data).")
    city_user = official(CITY_USER, password, tenant_id=city.code, is_supervisor=True)
    # The province's office (a supervisor there: an official needs a department else).
    province_user = official(
        PROVINCE_USER,
        password,
        tenant_id=PROVINCE,
        reach=OfficialReach.PROVINCE,
        is_supervisor=True,
    )
    tokens = {
        "superuser": create_api_token(name="bench", user=superuser, scope="read")[1],
        "city": create_api_token(name="bench", user=city_user, scope="read_write")[1],
        "province": create_api_token(name="bench", user=province_user, scope="read")[1],
    }
    print(json.dumps({"tokens": tokens, "city_tenant": city.code, "province": PROVINCE}))
