import GuestProtocol
import XCTest

final class ProcedureTableTests: XCTestCase {
    /// (number, name) of every procedure guestd serves, as libguestfs 1.48's
    /// generator/proc_nr.ml lists them (tag v1.48.6). Numbers never change; a record
    /// whose number or name drifts from libguestfs's breaks every stock client.
    static let libguestfs148: [(UInt32, String)] = [
        (1, "mount"), (2, "sync"), (3, "touch"), (5, "ll"), (7, "list_devices"), (8, "list_partitions"), (9, "pvs"),
        (10, "vgs"), (11, "lvs"), (12, "pvs_full"), (13, "vgs_full"), (14, "lvs_full"), (29, "rm"), (30, "rmdir"),
        (31, "rm_rf"), (32, "mkdir"), (33, "mkdir_p"), (34, "chmod"), (35, "chown"), (36, "exists"), (37, "is_file"),
        (38, "is_dir"), (45, "umount"), (46, "mounts"), (47, "umount_all"), (50, "command"), (51, "command_lines"),
        (54, "statvfs"), (55, "tune2fs_l"), (56, "blockdev_setro"), (57, "blockdev_setrw"), (58, "blockdev_getro"),
        (59, "blockdev_getss"), (60, "blockdev_getbsz"), (62, "blockdev_getsz"), (63, "blockdev_getsize64"),
        (64, "blockdev_flushbufs"), (65, "blockdev_rereadpt"), (66, "upload"),
        (67, "download"), (68, "checksum"), (69, "tar_in"), (70, "tar_out"), (71, "tgz_in"), (72, "tgz_out"),
        (73, "mount_ro"), (74, "mount_options"), (76, "debug"), (84, "fsck"), (85, "zero"), (87, "cp"), (88, "cp_a"),
        (89, "mv"), (92, "ping_daemon"), (108, "e2fsck_f"), (111, "sh"), (112, "sh_lines"), (118, "wc_l"),
        (119, "wc_w"), (120, "wc_c"), (121, "head"), (122, "head_n"), (123, "tail"), (124, "tail_n"), (125, "df"),
        (126, "df_h"), (127, "du"), (133, "mknod"), (134, "mkfifo"), (135, "mknod_b"), (136, "mknod_c"),
        (138, "readdir"), (141, "getxattrs"), (142, "lgetxattrs"), (143, "setxattr"), (144, "lsetxattr"),
        (145, "removexattr"), (146, "lremovexattr"), (147, "mountpoints"), (151, "grep"), (163, "realpath"),
        (164, "ln"), (165, "ln_f"), (166, "ln_s"), (167, "ln_sf"), (168, "readlink"), (196, "find0"),
        (195, "echo_daemon"), (198, "vfs_type"), (199, "truncate"), (200, "truncate_size"), (201, "utimens"), (202, "mkdir_mode"),
        (203, "lchown"), (205, "internal_lxattrlist"), (206, "internal_readlinklist"), (207, "pread"),
        (208, "part_init"), (209, "part_add"), (210, "part_disk"), (213, "part_list"), (214, "part_get_parttype"),
        (215, "fill"), (218, "filesize"), (229, "txz_in"), (230, "txz_out"), (233, "part_del"),
        (235, "part_get_mbr_id"), (242, "base64_in"), (243, "base64_out"), (246, "internal_write"), (247, "pwrite"),
        (253, "vfs_label"), (254, "vfs_uuid"), (270, "is_symlink"), (272, "part_to_dev"), (273, "upload_offset"),
        (274, "download_offset"), (278, "mkfs"), (279, "getxattr"), (280, "lgetxattr"), (282, "internal_autosync"),
        (283, "is_zero"), (290, "internal_write_append"), (293, "part_to_partnum"), (303, "blkid"), (265, "findfs_uuid"), (266, "findfs_label"), (304, "e2fsck"),
        (306, "wipefs"), (347, "ls0"), (367, "rm_f"), (394, "rename"), (396, "internal_parse_mountable"),
        (421, "statns"), (422, "lstatns"), (423, "internal_lstatnslist"), (458, "internal_feature_available"),
        (476, "list_filesystems"), (480, "inspect_os"), (481, "inspect_get_roots"), (482, "inspect_get_format"),
        (483, "inspect_get_type"), (484, "inspect_get_distro"), (485, "inspect_get_package_format"),
        (486, "inspect_get_package_management"), (487, "inspect_get_product_name"),
        (488, "inspect_get_product_variant"), (489, "inspect_get_major_version"), (490, "inspect_get_minor_version"),
        (491, "inspect_get_arch"), (492, "inspect_get_hostname"), (493, "inspect_get_windows_systemroot"),
        (494, "inspect_get_windows_software_hive"), (495, "inspect_get_windows_system_hive"),
        (496, "inspect_get_windows_current_control_set"), (497, "inspect_is_live"), (498, "inspect_is_netinst"),
        (499, "inspect_is_multipart"), (500, "inspect_get_mountpoints"), (501, "inspect_get_filesystems"),
        (502, "inspect_get_drive_mappings"),
        (49, "file"), (415, "copy_attributes"), (148, "mkmountpoint"), (149, "rmmountpoint"), (245, "fill_pattern"),
        (244, "checksums_out"), (211, "part_set_bootable"), (234, "part_get_bootable"), (212, "part_set_name"),
        (416, "part_get_name"), (236, "part_set_mbr_id"), (454, "part_get_mbr_part_type"), (477, "part_resize"),
        (392, "part_set_gpt_type"), (393, "part_get_gpt_type"), (446, "part_set_gpt_guid"),
        (447, "part_get_gpt_guid"), (503, "part_set_gpt_attributes"), (504, "part_get_gpt_attributes"),
        (459, "part_set_disk_guid"), (460, "part_get_disk_guid"), (461, "part_set_disk_guid_random"),
        (462, "part_expand_gpt"), (276, "pread_device"), (275, "pwrite_device"), (228, "zero_device"),
        (294, "copy_device_to_device"), (295, "copy_device_to_file"), (296, "copy_file_to_device"),
        (297, "copy_file_to_file"), (417, "blkdiscard"), (418, "blkdiscardzeroes"), (97, "zerofree"),
        (334, "fstrim"), (311, "zero_free_space"), (106, "resize2fs"), (248, "resize2fs_size"), (281, "resize2fs_M"), (457, "vfs_minimum_size"), (169, "fallocate"), (252, "fallocate64"), (129, "mount_loop"),
        (310, "set_label"), (403, "set_uuid"), (456, "set_uuid_random"), (369, "list_disk_labels"), (404, "journal_open"),
        (405, "journal_close"), (406, "journal_next"), (407, "journal_skip"), (408, "internal_journal_get"),
        (409, "journal_get_data_threshold"), (410, "journal_set_data_threshold"), (420, "journal_get_realtime_usec"),
        // LVM2.
        (39, "pvcreate"), (40, "vgcreate"), (41, "lvcreate"), (48, "lvm_remove_all"), (77, "lvremove"),
        (78, "vgremove"), (79, "pvremove"), (98, "pvresize"), (103, "vg_activate_all"), (104, "vg_activate"),
        (105, "lvresize"), (219, "lvrename"), (220, "vgrename"), (222, "pvuuid"), (223, "vguuid"), (224, "lvuuid"),
        (225, "vgpvuuids"), (226, "vglvuuids"), (232, "vgscan"), (238, "lvresize_free"), (249, "pvresize_size"),
        (255, "lvm_set_filter"), (256, "lvm_clear_filter"), (264, "is_lv"), (277, "lvm_canonical_lv_name"),
        (287, "list_dm_devices"), (312, "lvcreate_free"), (315, "vgmeta"), (338, "pvchange_uuid"),
        (339, "pvchange_uuid_all"), (340, "vgchange_uuid"), (341, "vgchange_uuid_all"), (506, "lvm_scan"),
        // LUKS.
        (257, "luks_open"), (258, "luks_open_ro"), (259, "luks_close"), (260, "luks_format"), (261, "luks_format_cipher"),
        (262, "luks_add_key"), (263, "luks_kill_slot"), (507, "luks_uuid"), (508, "cryptsetup_open"), (509, "cryptsetup_close"),
        // btrfs subvolumes.
        (322, "btrfs_subvolume_snapshot"), (323, "btrfs_subvolume_delete"), (324, "btrfs_subvolume_create"), (317, "mkfs_btrfs"), (329, "btrfs_device_add"), (330, "btrfs_device_delete"), (455, "btrfs_replace"), (289, "btrfs_filesystem_resize"), (327, "btrfs_filesystem_sync"), (328, "btrfs_filesystem_balance"),
        (325, "btrfs_subvolume_list"), (326, "btrfs_subvolume_set_default"), (425, "btrfs_subvolume_get_default"),
        (426, "btrfs_subvolume_show"), (427, "btrfs_quota_enable"), (428, "btrfs_quota_rescan"), (429, "btrfs_qgroup_limit"),
        (430, "btrfs_qgroup_create"), (431, "btrfs_qgroup_destroy"), (432, "btrfs_qgroup_show"), (433, "btrfs_qgroup_assign"),
        (434, "btrfs_qgroup_remove"), (435, "btrfs_scrub_start"), (436, "btrfs_scrub_cancel"), (437, "btrfs_scrub_resume"),
        (438, "btrfs_balance_pause"), (439, "btrfs_balance_cancel"), (440, "btrfs_balance_resume"),
        (443, "btrfs_filesystem_defragment"), (444, "btrfs_rescue_chunk_recover"), (445, "btrfs_rescue_super_recover"),
        (448, "btrfs_balance_status"), (449, "btrfs_scrub_status"), (450, "btrfstune_seeding"),
        (451, "btrfstune_enable_extended_inode_refs"), (452, "btrfstune_enable_skinny_metadata_extent_refs"),
        (453, "btrfs_image"), (465, "btrfs_filesystem_show"), (331, "btrfs_set_seeding"), (332, "btrfs_fsck"),
        // SYSLINUX.
        (399, "syslinux"), (400, "extlinux"),
        // md RAID and NTFS.
        (299, "md_create"), (300, "list_md_devices"), (301, "md_detail"), (302, "md_stop"), (316, "md_stat"),
        (110, "ntfs_3g_probe"), (250, "ntfsresize_size"), (288, "ntfsresize"), (307, "ntfsfix"),
        (308, "ntfsclone_out"), (309, "ntfsclone_in"), (463, "ntfscat_i"),
        // XFS, SELinux relabelling, the Sleuth Kit's programs.
        (337, "xfs_info"), (343, "xfs_growfs"), (349, "xfs_admin"), (366, "xfs_repair"), (467, "selinux_relabel"),
        (464, "download_inode"), (468, "download_blocks"), (466, "internal_filesystem_walk"), (470, "internal_find_inode"),
        // Swap.
        (130, "mkswap"), (131, "mkswap_L"), (132, "mkswap_U"), (178, "mkswap_file"), (170, "swapon_device"),
        (171, "swapoff_device"), (172, "swapon_file"), (173, "swapoff_file"), (174, "swapon_label"),
        (175, "swapoff_label"), (176, "swapon_uuid"), (177, "swapoff_uuid"),
        // ACLs, file capabilities, rsync and inotify (generator/proc_nr.ml).
        (375, "acl_get_file"), (376, "acl_set_file"), (377, "acl_delete_def_file"), (378, "cap_get_file"),
        (379, "cap_set_file"), (344, "rsync"), (345, "rsync_in"), (346, "rsync_out"), (179, "inotify_init"),
        (180, "inotify_add_watch"), (181, "inotify_rm_watch"), (182, "inotify_read"), (183, "inotify_files"),
        (184, "inotify_close"),
        // Augeas and glob_expand.
        (16, "aug_init"), (17, "aug_defvar"), (18, "aug_defnode"), (19, "aug_get"), (20, "aug_set"), (21, "aug_insert"),
        (22, "aug_rm"), (23, "aug_mv"), (24, "aug_match"), (25, "aug_save"), (26, "aug_close"), (27, "aug_load"),
        (28, "aug_ls"), (239, "aug_clear"), (411, "aug_setm"), (412, "aug_label"), (469, "aug_transform"),
        (113, "glob_expand"), (373, "mktemp"), (117, "mkdtemp"),
        // hivex, and case_sensitive_path for Windows paths.
        (197, "case_sensitive_path"),
        (350, "hivex_open"), (351, "hivex_close"), (352, "hivex_root"), (353, "hivex_node_name"), (354, "hivex_node_children"),
        (355, "hivex_node_get_child"), (356, "hivex_node_parent"), (357, "hivex_node_values"), (358, "hivex_node_get_value"),
        (359, "hivex_value_key"), (360, "hivex_value_type"), (361, "hivex_value_value"), (479, "hivex_value_string"),
        (478, "hivex_value_utf8"), (362, "hivex_commit"), (363, "hivex_node_add_child"), (364, "hivex_node_delete_child"),
        (365, "hivex_node_set_value"),
        // Windows dynamic disks and YARA.
        (380, "list_ldm_volumes"), (381, "list_ldm_partitions"), (382, "ldmtool_create_all"), (383, "ldmtool_remove_all"),
        (384, "ldmtool_scan"), (385, "ldmtool_scan_devices"), (386, "ldmtool_diskgroup_name"),
        (387, "ldmtool_diskgroup_volumes"), (388, "ldmtool_diskgroup_disks"), (389, "ldmtool_volume_type"),
        (390, "ldmtool_volume_hint"), (391, "ldmtool_volume_partitions"), (472, "yara_load"), (473, "yara_destroy"),
        (474, "internal_yara_scan"),
        // scrub, f2fs, squashfs, linuxmodules, grub, selinux.
        (114, "scrub_device"), (115, "scrub_file"), (116, "scrub_freespace"), (505, "f2fs_expand"), (471, "mksquashfs"),
        (194, "modprobe"), (86, "grub_install"), (185, "setcon"), (186, "getcon"),
        // ext2/3/4 labels and UUIDs (deprecated names), sleep and fill_dir.
        (80, "set_e2label"), (81, "get_e2label"), (82, "set_e2uuid"), (83, "get_e2uuid"), (109, "sleep"),
        (348, "fill_dir"),
    ]

    /// The appliance's own procedures, in their range above libguestfs's numbers.
    static let own: [(UInt32, String)] = [(0x4150_0001, "internal_appliance_resume")]

    func testEveryRecordHasLibguestfsNumberAndName() {
        let facts = Dictionary(uniqueKeysWithValues: (Self.libguestfs148 + Self.own).map { ($0.0, $0.1) })
        XCTAssertTrue(Self.libguestfs148.allSatisfy { !Procedure.ownNumbers.contains($0.0) })
        XCTAssertTrue(Self.own.allSatisfy { Procedure.ownNumbers.contains($0.0) && $0.1.hasPrefix("internal_") })
        for p in Procedure.all {
            XCTAssertEqual(facts[p.number], p.name, "procedure \(p.number)")
        }
        XCTAssertEqual(Set(Procedure.all.map(\.number)), Set(facts.keys), "the table serves exactly the listed procedures")
        XCTAssertEqual(Procedure.all.count, Self.libguestfs148.count + Self.own.count, "one record per procedure")
    }

    func testRecordsAreComplete() {
        XCTAssertEqual(Set(Procedure.all.map(\.name)).count, Procedure.all.count)
        for p in Procedure.all {
            XCTAssertFalse(p.summary.isEmpty, p.name)
            XCTAssertFalse(p.summary.contains("\n"), p.name)
            let names = (p.parameters + p.optionals).map(\.name)
            XCTAssertEqual(Set(names).count, names.count, "\(p.name): argument names are unique")
            XCTAssertTrue(p.optionals.allSatisfy { $0.kind.isOnTheWire }, p.name)
            XCTAssertTrue(p.output == .normal || p.returns == .int, "\(p.name): only an RInt prints in hexadecimal")
        }
    }

    func testNamedAccessorsAndLookups() {
        XCTAssertEqual(Procedure.chmod.number, 34)
        XCTAssertEqual(Procedure.chmod.parameters, [Argument("mode", .int), Argument("path", .pathname)])
        XCTAssertEqual(Procedure.umount.optionals.map(\.name), ["force", "lazyunmount"])
        XCTAssertEqual(Procedure.txzIn.group, "xz")
        XCTAssertEqual(Procedure.partGetMbrID.output, .hexadecimal)
        XCTAssertEqual(Procedure.named("mount-ro"), .mountRO)
        XCTAssertEqual(Procedure.numbered(502), .inspectGetDriveMappings)
    }
}
