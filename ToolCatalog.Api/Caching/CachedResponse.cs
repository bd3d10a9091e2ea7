using System.Buffers;
using System.Buffers.Binary;
using System.ComponentModel;
using System.Text;
using Microsoft.Extensions.Caching.Hybrid;

namespace ToolCatalog.Api.Caching;

/// <summary>
/// A response body ready to write: UTF-8 JSON bytes, its ETag and the revision it was built at. Sealed and marked
/// immutable so HybridCache hands out the same instance on an L1 hit instead of deserialising a copy.
/// </summary>
[ImmutableObject(true)]
public sealed class CachedResponse(byte[] utf8Json, string etag, long revision)
{
    public byte[] Utf8Json { get; } = utf8Json;
    public string ETag { get; } = etag;
    public long Revision { get; } = revision;
}

/// <summary>L2 (Redis) wire format: revision (8 bytes), ETag length (2) and bytes, then the body. No JSON round trip.</summary>
public sealed class CachedResponseSerializer : IHybridCacheSerializer<CachedResponse>
{
    public CachedResponse Deserialize(ReadOnlySequence<byte> source)
    {
        var bytes = source.IsSingleSegment ? source.FirstSpan : source.ToArray();
        var revision = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        var etagLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]);
        var etag = Encoding.ASCII.GetString(bytes.Slice(10, etagLength));
        return new CachedResponse(bytes[(10 + etagLength)..].ToArray(), etag, revision);
    }

    public void Serialize(CachedResponse value, IBufferWriter<byte> target)
    {
        var etag = Encoding.ASCII.GetBytes(value.ETag);
        var span = target.GetSpan(10 + etag.Length + value.Utf8Json.Length);
        BinaryPrimitives.WriteInt64LittleEndian(span, value.Revision);
        BinaryPrimitives.WriteUInt16LittleEndian(span[8..], (ushort)etag.Length);
        etag.CopyTo(span[10..]);
        value.Utf8Json.CopyTo(span[(10 + etag.Length)..]);
        target.Advance(10 + etag.Length + value.Utf8Json.Length);
    }
}
