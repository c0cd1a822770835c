"""Dev-only local stack: runs template.yaml's functions against moto, without Docker (`make dev`)."""
