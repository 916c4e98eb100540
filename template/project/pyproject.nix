# What pyproject.toml says, for the other Nix expressions: the project's metadata and its
# dependencies as nixpkgs Python packages. Reading pyproject.toml (instead of repeating it here)
# keeps `nix build` and `pip install` on the same dependencies when generators add some.
# Only builtins are used, so this evaluates without nixpkgs.
{ python3Packages
, pyproject ? ./pyproject.toml
}:

let
  toml = builtins.fromTOML (builtins.readFile pyproject);
  project = toml.project;

  # PyPI names whose nixpkgs attribute is not the normalised PyPI name.
  renamed = { };

  upper = [ "A" "B" "C" "D" "E" "F" "G" "H" "I" "J" "K" "L" "M" "N" "O" "P" "Q" "R" "S" "T" "U" "V" "W" "X" "Y" "Z" "_" "." ];
  lower = [ "a" "b" "c" "d" "e" "f" "g" "h" "i" "j" "k" "l" "m" "n" "o" "p" "q" "r" "s" "t" "u" "v" "w" "x" "y" "z" "-" "-" ];
  normalise = name: builtins.replaceStrings upper lower name;
  strip = s: let m = builtins.match "[[:space:]]*([^[:space:]]*)[[:space:]]*" s; in if m == null then s else builtins.head m;

  # "Uvicorn[standard] >= 0.30; python_version < '3.14'" -> { name = "uvicorn"; extras = [ "standard" ]; }
  parse = requirement:
    let
      m = builtins.match "[[:space:]]*([A-Za-z0-9][A-Za-z0-9._-]*)[[:space:]]*(\\[([^]]*)])?.*" requirement;
      extras = builtins.elemAt m 2;
    in
    if m == null then throw "pyproject.nix: cannot read the requirement '${requirement}'"
    else {
      name = normalise (builtins.head m);
      extras = if extras == null then [ ] else builtins.filter (e: builtins.isString e && e != "") (map (e: if builtins.isString e then strip e else e) (builtins.split "," extras));
    };

  # The nixpkgs package of a requirement, with the packages of its extras.
  packagesOf = requirement:
    let
      r = parse requirement;
      attr = renamed.${r.name} or r.name;
      package = python3Packages.${attr} or (throw "pyproject.nix: nixpkgs has no Python package '${attr}' (for '${requirement}'); map it in `renamed`");
    in
    [ package ] ++ builtins.concatLists (map (extra: package.optional-dependencies.${extra} or [ ]) r.extras);

  packagesOfAll = requirements: builtins.concatLists (map packagesOf (builtins.filter builtins.isString requirements));
in
{
  inherit project;
  pname = project.name;
  version = project.version;
  description = project.description or "";
  homepage = project.urls.Repository or project.urls.Homepage or null;
  # The first console script is the program `nix run` starts.
  mainProgram = builtins.head (builtins.attrNames (project.scripts or { "${project.name}" = null; }));
  dependencies = packagesOfAll (project.dependencies or [ ]);
  devDependencies = packagesOfAll ((toml.dependency-groups or { }).dev or [ ]);
}
