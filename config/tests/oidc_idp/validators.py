"""The claims the provider vouches for, as a government identity provider would send them.

Where each value lives (a test IdP needs no models of its own): the name in first_name, the
department code in last_name, the groups in auth groups; the city (a GB/T 2260 code, for a
provider serving several cities) in the seeded people's ``city``, sent only when set.
"""

from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator


def city_of(username):
    for person in settings.IDP_USERS:
        if person["username"] == username:
            return person.get("city")
    return None


class Validator(OAuth2Validator):
    # Every claim below goes out whatever the scopes (the default maps each to a scope).
    oidc_claim_scope = None

    def get_additional_claims(self, request):
        user = request.user
        claims = {
            "preferred_username": user.username,
            "name": user.first_name,
            "email": user.email,
            "department": user.last_name or None,
            "groups": sorted(user.groups.values_list("name", flat=True)),
        }
        if city := city_of(user.username):
            claims["city"] = city
        return claims
