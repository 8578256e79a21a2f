using Google.Protobuf;
using Drover.Api;
using Drover.Api.Protobuf;

namespace Drover.ControlPlane.Api.Access;

/// <summary>
/// Reads a SelfSubjectAccessReview sent as Kubernetes protobuf, which kubectl's typed client sends for
/// <c>auth can-i</c> whatever the server's preference: the 4-byte magic <c>k8s\0</c>, then a runtime.Unknown
/// (1: typeMeta {1: apiVersion, 2: kind}, 2: raw), the raw bytes being the object in the field numbers of
/// k8s.io/api/authorization/v1/generated.proto. Only the fields the review needs are read, every other field is
/// skipped; lengths are bounded by the body limit the bytes already passed, and nesting is fixed (three levels).
/// </summary>
public static class AccessReviewProtobuf
{
    public const string MediaType = KubernetesProtobuf.MediaType;

    public static bool IsProtobuf(string? contentType) => KubernetesProtobuf.IsProtobuf(contentType);

    /// <summary>The envelope's kind and apiVersion and its raw object bytes; a 400 naming what is wrong otherwise.</summary>
    public static (string Kind, string ApiVersion, byte[] Raw) ReadEnvelope(byte[] body)
    {
        try
        {
            var (apiVersion, kind, raw) = KubernetesProtobuf.ReadEnvelope(body);
            return (kind, apiVersion, raw.ToArray());
        }
        catch (ManifestException e)
        {
            throw Bad(e.Message);
        }
    }

    public static SelfSubjectAccessReview ReadAccessReview(byte[] raw)
    {
        SelfSubjectAccessReviewSpec? spec = null;
        Read(raw, (field, input) =>
        {
            if (field == 2)
                spec = ReadSpec(input.ReadBytes().ToByteArray());
            else
                input.SkipLastField();                     // metadata (1) and status (3) carry nothing a review reads
        });
        return new SelfSubjectAccessReview { ApiVersion = "authorization.k8s.io/v1", Kind = "SelfSubjectAccessReview", Spec = spec };
    }

    /// <summary>A SelfSubjectRulesReview (k8s.io/api/authorization/v1): 2 spec {1 namespace}; metadata and status skipped.</summary>
    public static SelfSubjectRulesReview ReadRulesReview(byte[] raw)
    {
        string? ns = null;
        var hasSpec = false;
        Read(raw, (field, input) =>
        {
            if (field != 2)
            {
                input.SkipLastField();
                return;
            }
            hasSpec = true;
            Read(input.ReadBytes().ToByteArray(), (specField, spec) =>
            {
                if (specField == 1) ns = spec.ReadString();
                else spec.SkipLastField();
            });
        });
        return new SelfSubjectRulesReview
        {
            ApiVersion = "authorization.k8s.io/v1",
            Kind = "SelfSubjectRulesReview",
            Spec = hasSpec ? new SelfSubjectRulesReviewSpec { Namespace = ns } : null,
        };
    }

    private static SelfSubjectAccessReviewSpec ReadSpec(byte[] bytes)
    {
        AccessResourceAttributes? resource = null;
        NonResourceAttributes? nonResource = null;
        Read(bytes, (field, input) =>
        {
            if (field == 1)
                resource = ReadResourceAttributes(input.ReadBytes().ToByteArray());
            else if (field == 2)
                nonResource = ReadNonResourceAttributes(input.ReadBytes().ToByteArray());
            else
                input.SkipLastField();
        });
        return new SelfSubjectAccessReviewSpec { ResourceAttributes = resource, NonResourceAttributes = nonResource };
    }

    private static AccessResourceAttributes ReadResourceAttributes(byte[] bytes)
    {
        var values = new string?[8];
        Read(bytes, (field, input) =>
        {
            if (field is >= 1 and <= 7)
                values[field] = input.ReadString();
            else
                input.SkipLastField();                     // fieldSelector (8), labelSelector (9)
        });
        return new AccessResourceAttributes
        {
            Namespace = values[1], Verb = values[2], Group = values[3], Version = values[4],
            Resource = values[5], Subresource = values[6], Name = values[7],
        };
    }

    private static NonResourceAttributes ReadNonResourceAttributes(byte[] bytes)
    {
        string? path = null, verb = null;
        Read(bytes, (field, input) =>
        {
            if (field == 1) path = input.ReadString();
            else if (field == 2) verb = input.ReadString();
            else input.SkipLastField();
        });
        return new NonResourceAttributes { Path = path, Verb = verb };
    }

    /// <summary>Calls <paramref name="onField"/> for each field of one message; malformed bytes are a 400, never a 500.</summary>
    private static void Read(byte[] message, Action<int, CodedInputStream> onField)
    {
        try
        {
            using var input = new CodedInputStream(message);
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                var field = WireFormat.GetTagFieldNumber(tag);
                var lengthDelimited = WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited;
                if (!lengthDelimited)
                {
                    input.SkipLastField();
                    continue;
                }
                onField(field, input);
            }
        }
        catch (InvalidProtocolBufferException e)
        {
            throw Bad("malformed protobuf: " + e.Message);
        }
    }

    private static ApiException Bad(string message) => new(ApiErrors.BadRequest(message));
}
