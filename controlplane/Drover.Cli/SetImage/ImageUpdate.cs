namespace Drover.Cli.SetImage;

/// <summary>One CONTAINER=IMAGE argument; the container "*" stands for every container.</summary>
internal sealed record ImageUpdate(string Container, string Image);
