terraform {
  required_providers {
    tessera = {
      source = "tessera/tessera"
    }
  }
}

# endpoint and api_token come from TESSERA_ENDPOINT and TESSERA_API_TOKEN.
provider "tessera" {}

data "tessera_current_user" "me" {}

output "email" {
  value = data.tessera_current_user.me.email
}

output "roles" {
  value = distinct([for team in data.tessera_current_user.me.teams : team.role])
}
