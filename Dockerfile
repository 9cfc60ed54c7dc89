# Build: compile TypeScript once; run: production dependencies and the compiled output only.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx tsc -p tsconfig.build.json

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The support console's browser modules are served as they are, beside the compiled API (dist/api/console finds ../../console).
COPY --from=build /app/console ./dist/console
USER node
CMD ["node", "dist/api/main.js"]
