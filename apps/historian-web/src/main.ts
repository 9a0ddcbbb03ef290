import './style.css';
import { CitizenView } from './citizen-view';
import { byId } from './dom';
import { ProvinceView } from './province-view';
import { savedSession, saveSession, tokenClaims, type Session } from './registry-client';

/** The historians' page: sign-in, then a citizen view and a province view chosen by the URL hash. */
let session = savedSession();
const citizens = new CitizenView(() => session);
new ProvinceView(() => session);

byId<HTMLFormElement>('sign-in-form').addEventListener('submit', (event) => {
  event.preventDefault();
  session = {
    token: byId<HTMLInputElement>('token').value.trim(),
    purpose: byId<HTMLInputElement>('purpose').value.trim() || 'historical research',
  };
  saveSession(session);
  showSignedIn(session);
  route();
});

function showSignedIn(current: Session | undefined): void {
  const claims = current && tokenClaims(current.token);
  byId('signed-in-as').textContent = !current
    ? 'Not signed in.'
    : claims
      ? `Signed in as ${claims.sub ?? '(no subject)'}, roles: ${(claims.roles ?? []).join(', ') || '(none)'}` +
        (claims.exp ? `; the token expires ${new Date(claims.exp * 1000).toISOString()}.` : '.')
      : 'This does not look like a token (three dot-separated parts).';
  if (current) byId<HTMLInputElement>('token').value = current.token;
  if (current) byId<HTMLInputElement>('purpose').value = current.purpose;
}

/** `#/citizen/<pin>`, `#/citizen` or `#/province`. */
function route(): void {
  const [, view = 'citizen', pin] = location.hash.split('/');
  const onProvince = view === 'province';
  byId('citizen-view').hidden = onProvince;
  byId('province-view').hidden = !onProvince;
  markCurrent(byId('nav-citizen'), !onProvince);
  markCurrent(byId('nav-province'), onProvince);
  if (!onProvince && pin) void citizens.load(pin);
}

function markCurrent(link: HTMLElement, current: boolean): void {
  if (current) link.setAttribute('aria-current', 'page');
  else link.removeAttribute('aria-current');
}

window.addEventListener('hashchange', route);
showSignedIn(session);
route();
