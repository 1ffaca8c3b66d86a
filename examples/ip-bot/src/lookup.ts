// Reading the IP service's answer, apart from the host API so it can be unit-tested.

/** The service: JSON `{"ip": "..."}`. Its host is the one entry of the manifest's allowedHosts. */
export const IP_SERVICE = 'https://api.ipify.org?format=json'

/** An IPv4 or IPv6 address as the service writes it (nothing else goes into chat). */
const ADDRESS = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F:]{2,39})$/

/** The address in the service's answer, or null when the answer is not what it should be. */
export function parseAddress(body: string): string | null {
  let data: unknown
  try {
    data = JSON.parse(body)
  } catch {
    return null
  }
  const ip = data !== null && typeof data === 'object' ? (data as {ip?: unknown}).ip : undefined
  return typeof ip === 'string' && ADDRESS.test(ip) ? ip : null
}
