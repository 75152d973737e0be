// The provider's clock, set by the test suite (POST /__test__/clock): the suite's clock stands
// at one instant (tests/clock.py), and every time the provider reads (the code's expiry, the ID
// token's iat and exp, the client assertion's exp) must agree with it. Imported before
// oidc-provider, so every Date the provider and jose make is shifted; it keeps ticking.
const RealDate = Date;
let offset = 0;

class ShiftedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) {
      super(RealDate.now() + offset);
    } else {
      super(...args);
    }
  }

  static now() {
    return RealDate.now() + offset;
  }
}

globalThis.Date = ShiftedDate;

export function setClock(epochMs) {
  offset = epochMs - RealDate.now();
}
