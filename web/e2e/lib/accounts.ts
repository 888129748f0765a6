// The accounts the journeys use. The administrator is created by the global setup; every other
// account belongs to the one spec that creates it, so no spec depends on another's leftovers.
import type { Account } from './ui';

export const ADMIN: Account = {
  username: 'admin',
  email: 'admin@example.test',
  password: 'e2e admin passphrase',
};

/**
 * The apps the journeys install, one each, so no spec sees another's app. The global setup
 * removes whatever an interrupted run left of them.
 */
export const E2E_APPS = {
  install: 'sonarr',
  logs: 'radarr',
  restart: 'prowlarr',
  pages: 'lidarr',
  viewer: 'readarr',
  uninstall: 'bazarr',
  /** Opened through the gateway (its upstream is the suite's real qBittorrent). */
  gateway: 'qbittorrent',
  /** Installed next to it, for a member who may not open it. */
  gatewayDenied: 'deluge',
} as const;

/**
 * The arr the Stack journey has Kubarr wire (a contract double plays it on a fixed upstream).
 * It is the install journey's app: the journeys run one at a time and each removes it when done.
 */
export const E2E_STACK_APP = E2E_APPS.install;

/**
 * The gateway's apps domain (host mode): `*.localhost` resolves to loopback in Chromium by
 * itself, so an app's origin is `http://<app>.apps.localhost:<gateway port>` without any DNS.
 */
export const E2E_APPS_DOMAIN = 'apps.localhost';
