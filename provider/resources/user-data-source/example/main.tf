terraform {
  required_providers {
    tessera = {
      source = "tessera/tessera"
    }
  }
}

# endpoint and api_token come from TESSERA_ENDPOINT and TESSERA_API_TOKEN.
provider "tessera" {}

# Look a user up by email (or by id, with id = "..."); the read fails if no user matches.
data "tessera_user" "admin" {
  email = "admin@tessera.localhost"
}

output "admin_user_id" {
  value = data.tessera_user.admin.id
}

output "admin_team_names" {
  value = [for t in data.tessera_user.admin.teams : t.name]
}
