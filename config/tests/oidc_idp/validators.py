"""The claims the provider vouches for, as a government identity provider would send them.

Where each value lives (a test IdP needs no models of its own): the name in first_name, the
department code in last_name, the groups in auth groups.
"""

from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    # Every claim below goes out whatever the scopes (the default maps each to a scope).
    oidc_claim_scope = None

    def get_additional_claims(self, request):
        user = request.user
        return {
            "preferred_username": user.username,
            "name": user.first_name,
            "email": user.email,
            "department": user.last_name or None,
            "groups": sorted(user.groups.values_list("name", flat=True)),
        }
