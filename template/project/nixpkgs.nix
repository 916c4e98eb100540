# The nixpkgs that flake.lock pins, for the expressions used without flakes (nix-build, nix-shell):
# the same packages with or without flakes. `nix flake update` moves both.
let
  locked = (builtins.fromJSON (builtins.readFile ./flake.lock)).nodes.nixpkgs.locked;
in
import (builtins.fetchTarball {
  url = "https://github.com/${locked.owner}/${locked.repo}/archive/${locked.rev}.tar.gz";
  sha256 = locked.narHash;
})
