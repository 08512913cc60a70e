from turnabout.accounts.tests.sso_fixtures import oidc_provider, saml_idp

__all__ = ["oidc_provider", "saml_idp"]
