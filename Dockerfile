# One image per function: `docker build --build-arg FUNCTION=authorize-user .` (SAM passes the
# argument from each function's Metadata.DockerBuildArgs). Build for arm64 (the template's
# architecture, cheaper on Lambda) with `docker buildx build --platform linux/arm64`, or let
# `sam build` do it: it builds for the function's Architectures.

# Build on the official Swift image for Amazon Linux. The token functions (authorize-user,
# authorize-admin, authorizer, whoami) link only the Swift standard library and glibc, and release
# builds link them as fully static executables (Package.swift): glibc-static and
# libstdc++-static provide the static libraries. authorize-bungie links FoundationNetworking,
# whose static build needs libcurl's headers; it keeps glibc and libcurl dynamic (the al2023
# runtime image has both). Not pinned: the Swift image moves with Amazon Linux's security updates.
ARG SWIFT_IMAGE=swift:6.3-amazonlinux2
FROM ${SWIFT_IMAGE} AS build
ARG FUNCTION
# hadolint ignore=DL3033
RUN yum -y install glibc-static libstdc++-static libcurl-devel && yum clean all
WORKDIR /build
COPY . .
RUN test -n "${FUNCTION}" \
    && if [ "${FUNCTION}" = authorize-bungie ]; then \
         swift build -c release --static-swift-stdlib --product "${FUNCTION}"; \
       else \
         swift build -c release --product "${FUNCTION}"; \
       fi \
    && cp "$(swift build -c release --show-bin-path)/${FUNCTION}" /bootstrap

# The Lambda base image for custom runtimes. Its entrypoint runs ${LAMBDA_RUNTIME_DIR}/bootstrap
# with CMD as the handler name (which the functions accept and ignore), under AWS's runtime
# interface emulator when not on Lambda, so `docker run -p 9000:8080 IMAGE` works locally too.
FROM public.ecr.aws/lambda/provided:al2023
COPY --from=build /bootstrap /var/runtime/bootstrap
CMD ["handler"]
