terraform {
  required_providers {
    tessera = {
      source = "tessera/tessera"
    }
  }
}

# endpoint and api_token come from TESSERA_ENDPOINT and TESSERA_API_TOKEN.
provider "tessera" {}

# A token that exists only while this run lasts: created when the run opens it, revoked when
# the run closes it, never written to the state or a plan file.
ephemeral "tessera_personal_access_token" "run" {
  name            = "terraform-run"
  expiration_days = 1
}

# A second provider configuration that authenticates with the short-lived token.
provider "tessera" {
  alias     = "short_lived"
  api_token = ephemeral.tessera_personal_access_token.run.token
}

data "tessera_current_user" "via_short_lived_token" {
  provider = tessera.short_lived
}

output "authenticated_as" {
  value = data.tessera_current_user.via_short_lived_token.email
}
