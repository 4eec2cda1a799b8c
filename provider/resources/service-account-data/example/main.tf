terraform {
  required_providers {
    tessera = {
      source = "tessera/tessera"
    }
  }
}

# endpoint and api_token come from TESSERA_ENDPOINT and TESSERA_API_TOKEN.
provider "tessera" {}

variable "collector_name" {
  type    = string
  default = "metrics-collector"
}

# A service account made elsewhere (by hand, or another configuration), found by its name.
data "tessera_service_account" "collector" {
  name = var.collector_name
}

output "collector_id" {
  value = data.tessera_service_account.collector.id
}

output "collector_expires_at" {
  value = data.tessera_service_account.collector.expires_at
}
