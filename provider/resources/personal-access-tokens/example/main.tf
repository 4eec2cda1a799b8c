terraform {
  required_providers {
    tessera = {
      source = "tessera/tessera"
    }
  }
}

# endpoint and api_token come from TESSERA_ENDPOINT and TESSERA_API_TOKEN.
provider "tessera" {}

data "tessera_personal_access_tokens" "mine" {}

# Tokens that expire within a week, by name.
output "expiring_soon" {
  value = [
    for t in data.tessera_personal_access_tokens.mine.tokens : t.name
    if timecmp(t.expires_at, timeadd(plantimestamp(), "168h")) < 0
  ]
}

output "token_hints" {
  value = { for t in data.tessera_personal_access_tokens.mine.tokens : t.id => t.token_hint }
}
