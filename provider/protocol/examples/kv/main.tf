terraform {
  required_providers {
    kv = { source = "example/kv", version = "0.1.0" }
  }
}

provider "kv" {
  directory = "${path.module}/data"
}

resource "kv_entry" "greeting" {
  key   = "greeting"
  value = "hello"
}

data "kv_entry" "greeting" {
  key = kv_entry.greeting.key
}

output "sha256" {
  value = kv_entry.greeting.sha256
}

output "read_back" {
  value = data.kv_entry.greeting.value
}
