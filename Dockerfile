# The c360 gateway for production-like stacks (see docker-compose.yml). It talks to external
# PostgreSQL, Neo4j and Redis, so the image carries no JVM or Maven.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json codegen.yml ./
COPY schema ./schema
COPY src ./src
COPY test ./test
COPY bench ./bench
COPY scripts/build.mjs ./scripts/build.mjs
# npm ci runs the `prepare` step: codegen for the tests' typed operations, then tsc.
RUN npm ci --no-audit --no-fund && npm prune --omit=dev --ignore-scripts

FROM node:24-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
COPY package.json ./
COPY migrations ./migrations
COPY neo4j/schema ./neo4j/schema
COPY bin ./bin
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s CMD node -e "fetch('http://127.0.0.1:4000/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Exec form: SIGTERM reaches Node directly, which drains and exits 0.
CMD ["node", "--enable-source-maps", "dist/src/main.js"]
