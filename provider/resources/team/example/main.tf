terraform {
  required_providers {
    tessera = {
      source = "tessera/tessera"
    }
  }
}

# endpoint and api_token come from TESSERA_ENDPOINT and TESSERA_API_TOKEN.
provider "tessera" {}

# A team whose members (users and service accounts, see tessera_team_membership) may manage
# tokens but not the directory. Renaming it or changing its role updates it in place.
resource "tessera_team" "platform" {
  name = "platform"
  role = "Member"
}

output "platform_team_id" {
  value = tessera_team.platform.id
}
