namespace Drover.Cli.Manifests;

/// <summary>One input of `-f`: its name as messages print it, and its text.</summary>
internal sealed record ManifestFile(string Source, string Text);
