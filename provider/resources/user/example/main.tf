terraform {
  required_providers {
    tessera = {
      source = "tessera/tessera"
    }
  }
}

# endpoint and api_token come from TESSERA_ENDPOINT and TESSERA_API_TOKEN.
provider "tessera" {}

# Destroying this resource deactivates the user (active = false); Tessera never deletes users,
# so that their audit trail stays attributable.
resource "tessera_user" "alice" {
  email = "alice@example.com"
  name  = "Alice Example"
}

output "alice_user_id" {
  value = tessera_user.alice.id
}
