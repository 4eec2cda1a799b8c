terraform {
  required_providers {
    tessera = {
      source = "tessera/tessera"
    }
  }
}

variable "tessera_endpoint" {
  type    = string
  default = "http://127.0.0.1:8080" # where `npm start` serves the API
}

variable "tessera_token" {
  type      = string
  sensitive = true
}

provider "tessera" {
  endpoint  = var.tessera_endpoint # or TESSERA_ENDPOINT
  api_token = var.tessera_token    # or TESSERA_API_TOKEN
}

data "tessera_current_user" "me" {}

output "authenticated_as" {
  value = data.tessera_current_user.me.email
}
