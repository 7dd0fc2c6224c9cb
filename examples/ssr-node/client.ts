// Lit's hydrate support, then every element with all its code up front: the first update hydrates the server's DOM.
import 'ipos-credential-elements/hydrate';
