# crrscan's container image: the static crrscan binary on an empty base, run as
# a non-root user. The binary is built outside (no compiler in the image):
#   make docker                 # builds bin/linux-amd64/crrscan, then this image
#   goreleaser release          # builds it for linux/amd64 and arm64
# Both build with the same environment and flags (CGO_ENABLED=0, -trimpath,
# the same -ldflags): see STATIC_* in the Makefile and builds in .goreleaser.yaml.
# TLS roots: the binary embeds a fallback set (golang.org/x/crypto/x509roots/fallback),
# used when the image has none, so HTTPS to AWS works on this empty base.
FROM scratch
COPY crrscan /usr/local/bin/crrscan
# 65532: the conventional "nonroot" uid of distroless images; no shell, no
# /etc/passwd, nothing else in the image.
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/crrscan"]
CMD ["--help"]
