# A CI identity: applied first by an administrator, then by CI itself with the service account's
# token (the README's "Bootstrap a CI identity" walks through both).
terraform {
  required_providers {
    tessera = {
      source = "tessera/tessera"
    }
  }
}

# endpoint and api_token come from TESSERA_ENDPOINT and TESSERA_API_TOKEN: an administrator's
# personal access token the first time, the service account's own token (tssvc_…) in CI.
provider "tessera" {}

resource "tessera_team" "automation" {
  name = "automation"
  role = "SysAdmin"
}

# team_ids (rather than a tessera_team_membership) so that a rotation run by CI itself keeps the
# old account in the team until the account is deleted: the run's own token keeps its role.
resource "tessera_service_account" "ci" {
  name               = "ci"
  expiration_days    = 365
  rotate_before_days = 30
  team_ids           = [tessera_team.automation.id]

  lifecycle {
    create_before_destroy = true
  }
}

output "ci_token" {
  value     = tessera_service_account.ci.token
  sensitive = true
}
