terraform {
  required_providers {
    tessera = {
      source = "tessera/tessera"
    }
  }
}

variable "tessera_token" {
  type      = string
  sensitive = true
}

provider "tessera" {
  endpoint  = "http://127.0.0.1:8080" # or TESSERA_ENDPOINT
  api_token = var.tessera_token       # or TESSERA_API_TOKEN
}
