"""S3: the documents bucket and its access-log bucket."""


def _documents_bucket(synth):
    buckets = [
        (logical_id, bucket)
        for logical_id, bucket in synth.of_type("AWS::S3::Bucket").items()
        if "LoggingConfiguration" in bucket["Properties"]
    ]
    assert len(buckets) == 1, "exactly one bucket (documents) ships access logs"
    return buckets[0]


def _policy_of(synth, bucket_logical_id):
    for policy in synth.of_type("AWS::S3::BucketPolicy").values():
        if policy["Properties"]["Bucket"] == {"Ref": bucket_logical_id}:
            return policy["Properties"]["PolicyDocument"]["Statement"]
    raise AssertionError(f"no bucket policy for {bucket_logical_id}")


def test_every_bucket_is_private_encrypted_and_versioned(synth):
    # Given every bucket (documents and its access logs; the web site and its access logs)
    # When synthesized
    # Then each blocks all public access, encrypts with S3-managed keys and keeps versions
    buckets = synth.of_type("AWS::S3::Bucket")
    assert len(buckets) == 4
    for bucket in buckets.values():
        properties = bucket["Properties"]
        assert properties["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        }
        assert properties["BucketEncryption"]["ServerSideEncryptionConfiguration"] == [
            {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
        ]
        assert properties["VersioningConfiguration"] == {"Status": "Enabled"}
        assert bucket["DeletionPolicy"] == "Retain"


def test_every_bucket_refuses_plain_http_and_old_tls(synth):
    # Given each bucket's policy
    # When we read its deny statements
    # Then requests without TLS, or with TLS below 1.2, are denied
    for logical_id in synth.of_type("AWS::S3::Bucket"):
        statements = _policy_of(synth, logical_id)
        denies = [s for s in statements if s["Effect"] == "Deny"]
        assert {"Bool": {"aws:SecureTransport": "false"}} in [s.get("Condition") for s in denies]
        assert {"NumericLessThan": {"s3:TlsVersion": 1.2}} in [s.get("Condition") for s in denies]


def test_documents_bucket_logs_to_the_access_log_bucket(synth):
    # Given the documents bucket
    # When synthesized
    # Then its server access logs go to the other bucket, which itself is not logged
    logical_id, bucket = _documents_bucket(synth)
    destination = bucket["Properties"]["LoggingConfiguration"]["DestinationBucketName"]
    assert destination["Ref"] != logical_id
    assert destination["Ref"] in synth.of_type("AWS::S3::Bucket")


def test_documents_bucket_accepts_browser_post_uploads_and_gets(synth):
    # Given a browser that uploads with a presigned POST and downloads with a presigned GET
    # When it sends its CORS preflight
    # Then the bucket allows POST and GET, and exposes the ETag
    _, bucket = _documents_bucket(synth)
    (rule,) = bucket["Properties"]["CorsConfiguration"]["CorsRules"]
    assert {"POST", "GET"} <= set(rule["AllowedMethods"])
    assert "PUT" not in rule["AllowedMethods"] and "DELETE" not in rule["AllowedMethods"]
    assert rule["AllowedOrigins"] == ["*"]
    assert "ETag" in rule["ExposedHeaders"]


def test_documents_bucket_expires_old_noncurrent_versions(synth):
    # Given versioning on the documents bucket
    # When objects are overwritten
    # Then old versions expire, and abandoned multipart uploads are cleaned up
    _, bucket = _documents_bucket(synth)
    rules = bucket["Properties"]["LifecycleConfiguration"]["Rules"]
    assert any(
        r["Status"] == "Enabled" and r.get("NoncurrentVersionExpiration", {}).get("NoncurrentDays")
        for r in rules
    )
    assert any(r.get("AbortIncompleteMultipartUpload") for r in rules)
