/**
 * Amazon S3 (protocol rest-xml). Implemented: buckets (CreateBucket, HeadBucket, DeleteBucket,
 * ListBuckets, GetBucketLocation, Put/Get/DeleteBucketTagging), objects (PutObject, GetObject,
 * HeadObject, DeleteObject, DeleteObjects, CopyObject, ListObjectsV2, ListObjects) and multipart
 * uploads (Create/UploadPart/ListParts/Complete/Abort, ListMultipartUploads).
 */
import type { ServiceDefinition } from "../../core/index.js";
import { s3Identity } from "./identity.js";
import {
  createBucket,
  deleteBucket,
  deleteBucketTagging,
  getBucketLocation,
  getBucketTagging,
  headBucket,
  listBuckets,
  putBucketTagging,
} from "./buckets.js";
import { listObjects, listObjectsV2 } from "./listing.js";
import {
  abortMultipartUpload,
  completeMultipartUpload,
  createMultipartUpload,
  listMultipartUploads,
  listParts,
  uploadPart,
} from "./multipart.js";
import { copyObject, deleteObject, deleteObjects, getObject, headObject, putObject } from "./objects.js";
import { s3Migrations } from "./store.js";

export const s3Service: ServiceDefinition = {
  ...s3Identity,
  operations: [
    listBuckets,
    createBucket,
    headBucket,
    deleteBucket,
    getBucketLocation,
    putBucketTagging,
    getBucketTagging,
    deleteBucketTagging,
    putObject,
    getObject,
    headObject,
    deleteObject,
    deleteObjects,
    copyObject,
    listObjectsV2,
    listObjects,
    createMultipartUpload,
    uploadPart,
    listParts,
    completeMultipartUpload,
    abortMultipartUpload,
    listMultipartUploads,
  ],
  migrations: s3Migrations,
};
