#!/usr/bin/env bash
# Rewrites PROJECT's PublicAPI.Unshipped.txt to match its public surface, then builds PROJECT to prove the files are
# complete. PROJECT is a project folder or .csproj, e.g. scripts/update-public-api.sh src/Spoke.Emulator src/Spoke.Webhooks
# A project that has no API files yet gets both (PublicAPI.Shipped.txt stays "#nullable enable" until a release moves
# lines into it) and a reference to Microsoft.CodeAnalysis.PublicApiAnalyzers (its version is in Directory.Packages.props).
# How it works: the analyzer reports every public symbol missing from the files (RS0016) and every line naming a symbol
# that is no longer public (RS0017); `dotnet format analyzers` applies the analyzer's own fixes for exactly those two.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if [ "$#" -eq 0 ]; then
  echo "usage: scripts/update-public-api.sh PROJECT... (a project folder or .csproj, e.g. src/Spoke.Emulator)" >&2
  exit 2
fi

analyzer="Microsoft.CodeAnalysis.PublicApiAnalyzers"
for project in "$@"; do
  if [ -d "$project" ]; then
    shopt -s nullglob
    found=("$project"/*.csproj)
    shopt -u nullglob
    if [ "${#found[@]}" -ne 1 ]; then
      echo "$project: expected one .csproj in the folder, found ${#found[@]}" >&2
      exit 2
    fi
    csproj="${found[0]}"
  elif [ -f "$project" ] && [[ "$project" == *.csproj ]]; then
    csproj="$project"
  else
    echo "$project: not a project folder or .csproj" >&2
    exit 2
  fi

  dir="$(dirname "$csproj")"
  for file in PublicAPI.Shipped.txt PublicAPI.Unshipped.txt; do
    if [ ! -f "$dir/$file" ]; then
      printf '#nullable enable\n' > "$dir/$file"
      echo "$dir/$file: created"
    fi
  done

  if ! grep -q "PackageReference Include=\"$analyzer\"" "$csproj"; then
    if ! grep -q "PackageVersion Include=\"$analyzer\"" "$root/Directory.Packages.props"; then
      echo "$analyzer has no version in Directory.Packages.props; add a PackageVersion for it first" >&2
      exit 2
    fi
    # A new ItemGroup just before </Project>: the one edit that fits every project file.
    tmp="$(mktemp)"
    awk -v ref="    <PackageReference Include=\"$analyzer\" PrivateAssets=\"all\" />" '
      /^<\/Project>/ && !done { print "  <ItemGroup>"; print ref; print "  </ItemGroup>"; done = 1 }
      { print }' "$csproj" > "$tmp"
    cat "$tmp" > "$csproj"
    rm -f "$tmp"
    echo "$csproj: references $analyzer"
  fi

  echo "$csproj: updating PublicAPI.Unshipped.txt"
  dotnet format analyzers "$csproj" --diagnostics RS0016 RS0017 --severity info
  # The build fails on anything the fixes could not settle (and on the analyzer's API-shape rules, e.g. RS0026).
  dotnet build "$csproj" -c Release --no-restore -nologo -clp:ErrorsOnly
  echo "$csproj: public API files match the code"
done
