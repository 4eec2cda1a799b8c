terraform {
  required_providers {
    tessera = {
      source = "tessera/tessera"
    }
  }
}

# endpoint and api_token come from TESSERA_ENDPOINT and TESSERA_API_TOKEN.
provider "tessera" {}

# Look a team up by name (or by id, with id = "..."); the read fails if no team matches.
data "tessera_team" "sysadmins" {
  name = "SysAdmin"
}

output "sysadmin_team_id" {
  value = data.tessera_team.sysadmins.id
}

output "sysadmin_emails" {
  value = [for m in data.tessera_team.sysadmins.members : m.email]
}
