terraform {
  required_providers {
    tessera = {
      source = "tessera/tessera"
    }
  }
}

# endpoint and api_token come from TESSERA_ENDPOINT and TESSERA_API_TOKEN.
provider "tessera" {}

resource "tessera_team" "deployers" {
  name = "deployers"
  role = "Member"
}

# A deploy pipeline's identity: a member of the deployers team, its token replaced 14 days
# before it expires; the new service account is created before the old one is deleted, so the
# pipeline never sees a gap.
resource "tessera_service_account" "deploy" {
  name               = "deploy-pipeline"
  expiration_days    = 90
  rotate_before_days = 14
  team_ids           = [tessera_team.deployers.id]

  lifecycle {
    create_before_destroy = true
  }
}

output "deploy_token" {
  value     = tessera_service_account.deploy.token
  sensitive = true
}

output "deploy_token_expires_at" {
  value = tessera_service_account.deploy.expires_at
}
