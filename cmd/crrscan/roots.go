package main

// The container image (Dockerfile) has no CA bundle: this fallback set of TLS
// roots is used only when the system provides none.
import _ "golang.org/x/crypto/x509roots/fallback"
