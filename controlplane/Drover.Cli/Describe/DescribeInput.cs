using Drover.Api;
using Drover.Api.Printing;

namespace Drover.Cli.Describe;

/// <summary>What a description is made from: the object and the related objects fetched for it.</summary>
internal sealed record DescribeInput(KubeObject Object, ResourceType Type, IReadOnlyList<Event> Events, Endpoints? Endpoints = null);
