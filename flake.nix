{
  description = "fastapi-mvc: create, extend and update production-ready FastAPI projects";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-25.11";
  };

  outputs = { self, nixpkgs }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" ];
      forAllSystems = f: nixpkgs.lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});

      pyproject = builtins.fromTOML (builtins.readFile ./pyproject.toml);
      # "typer>=0.12" -> "typer"; nixpkgs names Python packages by their normalised PyPI names.
      nameOf = requirement:
        let name = builtins.head (builtins.match "[[:space:]]*([A-Za-z0-9][A-Za-z0-9._-]*).*" requirement);
        in nixpkgs.lib.toLower (builtins.replaceStrings [ "_" "." ] [ "-" "-" ] name);
      packagesOf = python3Packages: requirements:
        map (requirement: python3Packages.${nameOf requirement}) (builtins.filter builtins.isString requirements);

      fastapi-mvc = pkgs:
        let
          inherit (pkgs) lib;
          python3Packages = pkgs.python3.pkgs;
        in
        python3Packages.buildPythonApplication {
          pname = pyproject.project.name;
          version = pyproject.project.version;
          pyproject = true;

          src = lib.fileset.toSource {
            root = ./.;
            fileset = lib.fileset.unions [
              ./pyproject.toml
              ./README.md
              ./fastapi_mvc
              ./template
              ./generators
            ];
          };

          build-system = [ python3Packages.poetry-core ];
          dependencies = packagesOf python3Packages pyproject.project.dependencies;
          pythonRelaxDeps = true;

          # `new` commits the project with git and installs it with make.
          makeWrapperArgs = [ "--prefix" "PATH" ":" (lib.makeBinPath [ pkgs.git pkgs.gnumake ]) ];

          pythonImportsCheck = [ "fastapi_mvc" ];

          meta = {
            inherit (pyproject.project) description;
            license = lib.licenses.mit;
            mainProgram = "fastapi-mvc";
          };
        };
    in
    {
      packages = forAllSystems (pkgs: {
        default = fastapi-mvc pkgs;
        fastapi-mvc = fastapi-mvc pkgs;
      });

      apps = forAllSystems (pkgs: {
        default = {
          type = "app";
          program = nixpkgs.lib.getExe self.packages.${pkgs.stdenv.hostPlatform.system}.default;
        };
      });

      # `nix develop`: Python with the tool's dependencies and development tools, and the
      # validators the integration tests run on generated projects.
      devShells = forAllSystems (pkgs: {
        default = pkgs.mkShell {
          packages = [
            (pkgs.python3.withPackages (ps:
              packagesOf ps (pyproject.project.dependencies ++ pyproject.dependency-groups.dev)))
            pkgs.git
            pkgs.gnumake
            pkgs.shellcheck
            pkgs.hadolint
            pkgs.actionlint
            pkgs.yamllint
            pkgs.kubernetes-helm
            pkgs.nix
          ];
          shellHook = ''
            export PYTHONPATH="$PWD''${PYTHONPATH:+:$PYTHONPATH}"
          '';
        };
      });

      checks = forAllSystems (pkgs: {
        package = self.packages.${pkgs.stdenv.hostPlatform.system}.default;
      });
    };
}
