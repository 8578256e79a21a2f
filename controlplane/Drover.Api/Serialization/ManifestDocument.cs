namespace Drover.Api;

/// <summary>One document of a (possibly multi-document) manifest, as JSON, with where it started.</summary>
public sealed record ManifestDocument(int Index, long Line, byte[] Json);
