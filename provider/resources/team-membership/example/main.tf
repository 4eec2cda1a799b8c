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

resource "tessera_user" "bob" {
  email = "bob@example.com"
  name  = "Bob Example"
}

# Bob gets the team's role (Member) from his next request on.
resource "tessera_team_membership" "bob_deployers" {
  team_id = tessera_team.deployers.id
  user_id = tessera_user.bob.id
}

# A service account joins a team the same way, with service_account_id instead of user_id:
#
# resource "tessera_team_membership" "ci_deployers" {
#   team_id            = tessera_team.deployers.id
#   service_account_id = tessera_service_account.ci.id
# }

output "membership_id" {
  value = tessera_team_membership.bob_deployers.id
}
