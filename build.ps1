# Drover for Windows developers: build, test and publish the managed parts.
# The container runtime, systemd and CNI parts need Linux; use ./build.sh there.
param([Parameter(Position = 0)][ValidateSet('build', 'test', 'publish')][string]$Command = 'build')
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot

function Invoke-Build { dotnet build Drover.sln -c Debug -nologo -clp:ErrorsOnly; if ($LASTEXITCODE) { exit $LASTEXITCODE } }

switch ($Command) {
  'build' { Invoke-Build }
  'test' {
    Invoke-Build
    $passed = 0; $failed = 0
    foreach ($project in Get-ChildItem tests -Filter *.csproj -Recurse) {
      if ((Get-Content $project.FullName -Raw) -match '<IsTestProject>false</IsTestProject>') { continue }
      $output = dotnet test $project.FullName --no-build -c Debug -nologo 2>&1
      $output | Write-Host
      $summary = $output | Select-String 'Failed:\s*(\d+), Passed:\s*(\d+)' | Select-Object -Last 1
      if ($summary) { $failed += [int]$summary.Matches[0].Groups[1].Value; $passed += [int]$summary.Matches[0].Groups[2].Value } else { $failed++ }
    }
    Write-Output "$passed passed, $failed failed"
    if ($failed) { exit 1 }
  }
  'publish' {
    $rid = if ($IsWindows) { 'win-x64' } else { 'linux-x64' }
    foreach ($p in @('controlplane/Drover.ControlPlane', 'controlplane/Drover.Cli')) {
      $log = dotnet publish $p -c Release -r $rid -o artifacts/bin -nologo -p:PublishAot=true 2>&1
      $log | Write-Host
      if ($LASTEXITCODE) { exit $LASTEXITCODE }
      if ($log -match 'warning (IL\d+|AOT)') { Write-Error "trim/AOT warnings in $p"; exit 1 }
    }
  }
}
