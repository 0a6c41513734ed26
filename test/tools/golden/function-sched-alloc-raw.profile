FUNCTION              COUNT      TOTAL(us)       SELF(us)      AVG(us)      MIN(us)      MAX(us)
------------------ -------- -------------- -------------- ------------ ------------ ------------
kmalloc                  31              -              -            -            -            -
kmem_cache_alloc        480              -              -            -            -            -
kmem_cache_create         1              -              -            -            -            -
kmem_cache_destroy        1              -              -            -            -            -
kmem_cache_free         480              -              -            -            -            -
