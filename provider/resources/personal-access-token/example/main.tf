terraform {
  required_providers {
    tessera = {
      source = "tessera/tessera"
    }
  }
}

# endpoint and api_token come from TESSERA_ENDPOINT and TESSERA_API_TOKEN.
provider "tessera" {}

# A deploy token that is replaced 7 days before it expires; the new token is created before
# the old one is revoked, so consumers never see a gap.
resource "tessera_personal_access_token" "deploy" {
  name               = "ci-deploy"
  expiration_days    = 30
  rotate_before_days = 7

  lifecycle {
    create_before_destroy = true
  }
}

output "deploy_token" {
  value     = tessera_personal_access_token.deploy.token
  sensitive = true
}

output "deploy_token_expires_at" {
  value = tessera_personal_access_token.deploy.expires_at
}
