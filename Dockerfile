# mmufuzz's image: Debian 12 with every dependency and the built tool.
# It runs the nightly job; the exit status is mmufuzz nightly's (0 no new
# finding, 1 new findings, 2 error).
#
#   podman build -t mmufuzz .          (or docker build)
#   podman run --rm --device /dev/kvm \
#       -v mmufuzz-kernels:/src/mmufuzz/kernels/cache \
#       -v mmufuzz-corpus:/src/mmufuzz/corpus/nightly \
#       -v "$PWD/findings:/src/mmufuzz/findings" \
#       mmufuzz nightly --time 3600
#
# Leave out --device /dev/kvm where the host has none: the test VMs then
# run under QEMU TCG (.ci/image-steps.sh accel says which and why).  The
# three volumes are what a CI cache keeps between nights: the built
# kernel variants, the merged corpus and the findings with the report.
FROM debian:12

ENV DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8
WORKDIR /src/mmufuzz
COPY . .
# One script installs the packages (tests/install-deps.sh, the only list)
# and builds; the same script is what CI runs outside a container.
ARG MMUFUZZ_IMAGE_KERNELS=0
RUN MMUFUZZ_IMAGE_KERNELS=$MMUFUZZ_IMAGE_KERNELS .ci/image-steps.sh build && \
    rm -rf /var/lib/apt/lists/*
VOLUME ["/src/mmufuzz/kernels/cache", "/src/mmufuzz/corpus/nightly", "/src/mmufuzz/findings"]
ENTRYPOINT [".ci/image-steps.sh"]
CMD ["nightly"]
