# syntax=docker/dockerfile:1
# Build stage: install everything (better-sqlite3 compiles here), type-check and build dist/.
FROM node:20-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY bin ./bin
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

# Runtime stage: the built JavaScript, production dependencies, a non-root user.
FROM node:20-bookworm-slim
# A container's loopback is its own: listen on every interface of the container (outside, publish
# the port only where it should be reachable). hookgate itself defaults to 127.0.0.1.
ENV NODE_ENV=production HOOKGATE_CONFIG=/app/routes.yaml HOOKGATE_STORE=sqlite:/data/hookgate.db PORT=8787 HOOKGATE_HOST=0.0.0.0
# V8's heap, sized for a router (measured by `npm run bench -- --soak`, see README "Performance"):
# a 8 MB semi-space and a 256 MB old-generation cap keep RSS near 140 MB under sustained load,
# against 230-260 MB with node's defaults. Raise the cap for a large server.bodyLimit.
ENV NODE_OPTIONS="--max-semi-space-size=8 --max-old-space-size=256"
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/schemas ./schemas
COPY --from=build /app/routes.yaml ./routes.yaml
# The bundled samples `hookgate send --event TYPE` signs (dist/cli/send.js reads them from here).
COPY --from=build /app/samples ./samples
# The inspector's page (GET /admin/), read by dist/http/inspector.js at start.
COPY --from=build /app/web ./web
RUN groupadd --system hookgate && useradd --system --gid hookgate --home /app hookgate \
  && mkdir -p /data && chown hookgate:hookgate /data
USER hookgate
VOLUME ["/data"]
EXPOSE 8787
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8787)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "dist/cli/main.js"]
CMD ["serve"]
