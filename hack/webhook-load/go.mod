module dev.meshoperator/hack/webhook-load

go 1.26.0
