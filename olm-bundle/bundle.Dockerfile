# The OLM bundle image (registry+v1): docker build -f olm-bundle/bundle.Dockerfile -t switchboard/operator-bundle:0.1.0 olm-bundle
# The labels repeat metadata/annotations.yaml, as OLM expects; OlmBundleTest keeps them equal.
FROM scratch

LABEL operators.operatorframework.io.bundle.mediatype.v1=registry+v1
LABEL operators.operatorframework.io.bundle.manifests.v1=manifests/
LABEL operators.operatorframework.io.bundle.metadata.v1=metadata/
LABEL operators.operatorframework.io.bundle.package.v1=switchboard-operator
LABEL operators.operatorframework.io.bundle.channels.v1=alpha
LABEL operators.operatorframework.io.bundle.channel.default.v1=alpha

COPY manifests /manifests/
COPY metadata /metadata/
