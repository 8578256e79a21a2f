using System.Text.Json.Serialization;

namespace Drover.Api;

/// <summary>
/// Source-generated metadata for every API type. Unknown members are an error (a user must never
/// believe a dropped setting took effect) and so are duplicate keys, as in Kubernetes' strict decoding.
/// The depth bound is explicit (<see cref="InputLimits.MaxDepth"/>): clients read droverd's answers with it too.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    AllowDuplicateProperties = false,
    MaxDepth = InputLimits.MaxDepth,
    Converters = [typeof(KubeTimeJsonConverter)])]
[JsonSerializable(typeof(Pod))]
[JsonSerializable(typeof(Node))]
[JsonSerializable(typeof(Namespace))]
[JsonSerializable(typeof(Service))]
[JsonSerializable(typeof(Endpoints))]
[JsonSerializable(typeof(EndpointSlice))]
[JsonSerializable(typeof(ConfigMap))]
[JsonSerializable(typeof(Secret))]
[JsonSerializable(typeof(Event))]
[JsonSerializable(typeof(Deployment))]
[JsonSerializable(typeof(ReplicaSet))]
[JsonSerializable(typeof(Job))]
[JsonSerializable(typeof(DaemonSet))]
[JsonSerializable(typeof(ControllerRevision))]
[JsonSerializable(typeof(CronJob))]
[JsonSerializable(typeof(Ingress))]
[JsonSerializable(typeof(IngressClass))]
[JsonSerializable(typeof(HorizontalPodAutoscaler))]
[JsonSerializable(typeof(Lease))]
[JsonSerializable(typeof(Scale))]
[JsonSerializable(typeof(Binding))]
[JsonSerializable(typeof(KubeList<Pod>))]
[JsonSerializable(typeof(KubeList<Node>))]
[JsonSerializable(typeof(KubeList<Namespace>))]
[JsonSerializable(typeof(KubeList<Service>))]
[JsonSerializable(typeof(KubeList<Endpoints>))]
[JsonSerializable(typeof(KubeList<EndpointSlice>))]
[JsonSerializable(typeof(KubeList<ConfigMap>))]
[JsonSerializable(typeof(KubeList<Secret>))]
[JsonSerializable(typeof(KubeList<Event>))]
[JsonSerializable(typeof(KubeList<Deployment>))]
[JsonSerializable(typeof(KubeList<ReplicaSet>))]
[JsonSerializable(typeof(KubeList<Job>))]
[JsonSerializable(typeof(KubeList<DaemonSet>))]
[JsonSerializable(typeof(KubeList<ControllerRevision>))]
[JsonSerializable(typeof(KubeList<CronJob>))]
[JsonSerializable(typeof(KubeList<Ingress>))]
[JsonSerializable(typeof(KubeList<IngressClass>))]
[JsonSerializable(typeof(KubeList<HorizontalPodAutoscaler>))]
[JsonSerializable(typeof(KubeList<Lease>))]
[JsonSerializable(typeof(Status))]
[JsonSerializable(typeof(VersionInfo))]
[JsonSerializable(typeof(ObjectMeta))]
[JsonSerializable(typeof(ListMeta))]
public sealed partial class ApiJsonContext : JsonSerializerContext;
