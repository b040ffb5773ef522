# One build stage compiles the package once for all five functions; each function's image is a
# target of this file: `docker build --target authorize-user -t raidhub/authorize-user .` (SAM
# passes each function's Metadata.DockerBuildTarget). Every image built from the same context
# reuses the build stage from the build cache, so `sam build` compiles once, not five times.
# Build for arm64 (the template's architecture) with `docker buildx build --platform linux/arm64`.
#
# Base images are pinned to exact versions. To update: pick the new tags (Docker Hub `swift`,
# `public.ecr.aws/lambda/provided`), change them here, run `sam build` and
# `bash scripts/check-deployment.sh`, then deploy. To pin digests as well, append
# `@sha256:...` from `docker buildx imagetools inspect IMAGE:TAG`.
FROM swift:6.3.1-amazonlinux2 AS build
# Static glibc and libstdc++ for the token functions, which release builds link as fully static
# executables (Package.swift); libcurl's headers for authorize-bungie's FoundationNetworking.
# Before any COPY, so a source change never re-runs it.
# hadolint ignore=DL3033
RUN yum -y install glibc-static libstdc++-static libcurl-devel && yum clean all && rm -rf /var/cache/yum
WORKDIR /build
COPY . .
# The token functions share one release build (scripts/release-build.sh: `swift build -c release`
# with the cold-start codegen flag); authorize-bungie adds a static Swift runtime and
# keeps glibc and libcurl dynamic (its runtime image has both). One binary per function in /out.
RUN for function in authorize-user authorize-admin authorizer whoami; do \
      bash scripts/release-build.sh --product "$function" || exit 1; \
    done \
    && bash scripts/release-build.sh --static-swift-stdlib --product authorize-bungie \
    && mkdir /out \
    && bin="$(bash scripts/release-build.sh --show-bin-path)" \
    && for function in authorize-user authorize-admin authorizer whoami authorize-bungie; do \
         strip -o "/out/$function" "$bin/$function" || exit 1; \
       done

# The token functions need no file but themselves: an image from scratch holding only /bootstrap
# is a complete Lambda image (Lambda mounts /proc and runs the entrypoint, which is the runtime).
FROM scratch AS authorize-user
COPY --from=build /out/authorize-user /bootstrap
ENTRYPOINT ["/bootstrap"]

FROM scratch AS authorize-admin
COPY --from=build /out/authorize-admin /bootstrap
ENTRYPOINT ["/bootstrap"]

FROM scratch AS authorizer
COPY --from=build /out/authorizer /bootstrap
ENTRYPOINT ["/bootstrap"]

FROM scratch AS whoami
COPY --from=build /out/whoami /bootstrap
ENTRYPOINT ["/bootstrap"]

# authorize-bungie links glibc and libcurl (with OpenSSL and CA certificates for HTTPS): the
# Lambda base image for custom runtimes has them. Its entrypoint runs ${LAMBDA_RUNTIME_DIR}/bootstrap
# (under AWS's runtime interface emulator when not on Lambda, so `docker run -p 9000:8080` works).
FROM public.ecr.aws/lambda/provided:al2023.2026.02.27.21 AS authorize-bungie
COPY --from=build /out/authorize-bungie /var/runtime/bootstrap
CMD ["handler"]
